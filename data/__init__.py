"""Records, text segmentation, the authored corpus and loaders for public corpora."""
