"""LTI 1.3 Advantage: Conductor as a tool that a school's LMS (Moodle, Canvas...) launches."""
