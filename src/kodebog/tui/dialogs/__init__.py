"""Small modal dialogs: coder name, memo, jump to unit, error."""
