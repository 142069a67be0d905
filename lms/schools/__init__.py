"""Schools: every programme, enrolment and certificate belongs to one."""
