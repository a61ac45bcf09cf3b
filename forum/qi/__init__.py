"""Quality-improvement write-ups."""
