"""The case workflow: the transition table and the operations staff perform on a case."""
