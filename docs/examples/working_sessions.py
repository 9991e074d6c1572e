"""The backup job sessions running now, with their progress: the README's library example as a
script.

    EM_PASSWORD=... python working_sessions.py https://em.example.com:9398/api/ 'DOMAIN\\user'

Try it on the emulator: start `fel serve` (it prints its URL and demo:demo) and run
`EM_PASSWORD=demo python working_sessions.py http://127.0.0.1:9398/api/ demo`.
"""
import os
import sys

from fel.client import Client


def main(argv: list[str]) -> int:
    if len(argv) != 3 or "EM_PASSWORD" not in os.environ:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    url, user = argv[1], argv[2]
    with Client(url, user, password=os.environ["EM_PASSWORD"]) as em:
        for session in em.query("BackupJobSession where State == Working format entities", all=True):
            print(session.name, session.fields["Progress"])    # pages followed, entities streamed
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
