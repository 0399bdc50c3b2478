"""Search loops that drive a NAS search with any predictor as the surrogate."""
