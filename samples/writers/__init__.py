"""Writers: the planned incident as files, one module per output format or file family."""
