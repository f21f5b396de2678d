"""A server that answers every request with 204 at once: the open-loop generator's yardstick.

Run as `python -m bench.static204 PORT`. What the generator reaches against it is what the
generator itself can offer; the portal's capacity is only a finding when it is well below.
"""

import asyncio
import sys

RESPONSE = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(RESPONSE)
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port: int) -> None:
    server = await asyncio.start_server(_answer, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
