"""Embedded text engine: GGUF chat models run by llama.cpp (xllamacpp) in this process."""
