"""The ablation grid: variants of the training chapter, run by papermill, and their tables."""
