"""Multi-task contrastive training (chapter 3): config, data, losses, trainer."""
