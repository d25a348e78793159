"""Pages of the community register, by subject. Thin: parse, call a service or selector, render."""
