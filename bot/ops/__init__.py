"""Operations: the supervisor that runs the processes, the CLI, the web app, evaluation."""
