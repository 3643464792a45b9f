"""Rules for code already on Pydantic 2 that uses APIs later 2.x releases deprecated
(FAL9xx): the next minor release warns, and Pydantic 3 removes them."""
