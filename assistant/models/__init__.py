"""Model files: GGUF inspection and the local model registry."""
