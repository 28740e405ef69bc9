// Placeholder: this panel is being written.
