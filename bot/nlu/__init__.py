"""The project's own language understanding: spaCy pipeline and Rasa components."""
