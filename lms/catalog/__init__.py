"""The catalog: programmes, courses, modules and lessons as learners browse and read them."""
