"""Admissions: a school takes applications to a cohort through a form it defines, reviews them, and accepts
(an account made and invited, the cohort joined) or declines them."""
