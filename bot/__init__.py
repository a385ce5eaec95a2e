"""The Harbin IT-law intake assistant: the domain (topics, language, NLU, leads) without Rasa's dialogue."""
