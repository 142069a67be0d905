"""Run by Ralph's own Python (``.venv-ralph``), not by the tests': Ralph's LRS API on uvicorn, on 127.0.0.1.

One change to Ralph 5.1.0: its file-system LRS backend writes with the "create" operation, which refuses to
write to a file that exists, so it stores the first request's statements and answers 500 to every later one.
Here it appends instead (its "append" operation); its validation, duplicate checks and answers are untouched."""
import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
