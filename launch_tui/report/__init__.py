"""Reports: the launch decision record, and the headless `check` output."""
