"""init.yaml (KasperskyOS init description) -> Einit's task and channel table."""
