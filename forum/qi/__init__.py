"""QI write-ups: quality-improvement projects others can find, judge by their charts and replicate."""
