"""The network, the rule baseline, the Labeler and the command line."""
