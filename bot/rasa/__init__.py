"""Rasa at the edge: the plug-ins Rasa loads (NLU components, tracker store, channels).
The domain in `bot/` never imports from here."""
