"""Microphone capture, resampling and voice-activity detection."""
