"""statuspress: a static, multilingual public status-page generator."""
