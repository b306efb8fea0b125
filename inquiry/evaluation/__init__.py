"""The end-of-inquiry evaluation questionnaire: set up by researchers, answered
anonymously by participants (and witnesses when included), read as totals."""
