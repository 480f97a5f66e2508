"""Microphone capture, audio files and resampling to Whisper's 16 kHz (no Qt, no models).

- ``devices``: input devices through PortAudio (sounddevice, imported lazily) and its errors
  as MicrophoneError sentences;
- ``capture``: Recorder, push-to-talk recording into a Recording (float32 mono 16 kHz);
- ``decode``: WAV/FLAC/OGG/MP3 files to float32 mono 16 kHz, whole or block by block;
- ``resample``: mono downmix and soxr resampling; ``level``: RMS level for a meter.
"""
