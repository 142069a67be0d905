"""xAPI statements about what learners do, sent to the learning record store each school configures."""
