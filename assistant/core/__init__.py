"""Pure data shared by every layer: messages, requests/events, prompts. No Qt, no models."""
