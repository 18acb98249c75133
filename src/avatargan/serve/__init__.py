"""The web demo behind `avatargan serve`: a Gradio page whose every button calls the Python API (`avatargan.api`)."""
