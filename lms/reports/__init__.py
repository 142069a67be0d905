"""Reports on courses, quizzes and learners, as pages, SVG charts and streamed CSV."""
