"""The deterministic synthetic demo population (`talent seed-demo`)."""
