"""The commissioner's response: an answer to every recommendation the cohort adopted,
drafted and published at once, with a due date."""
