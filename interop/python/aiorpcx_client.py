"""An independent JSON-RPC 2.0 client for hello-rpc's interop tests: Debian's python3-aiorpcx
(newline framing, JSON-RPC 2.0). Prints one line per check.

    python3 aiorpcx_client.py PORT
"""
import asyncio
import sys

from aiorpcx import RPCError, connect_rs


async def main(port):
    async with connect_rs('127.0.0.1', port) as session:
        print('call:', (await session.send_request('Handler.Execute', [{'Name': 'aiorpcx'}]))['Message'])
        print('named params:', (await session.send_request('Handler.Execute', {'Name': 'named'}))['Message'])
        try:
            await session.send_request('Handler.Execute', [{'Name': ''}])
        except RPCError as error:
            print('error object:', error.code, error.message)
        try:
            await session.send_request('Handler.Nope', [{}])
        except RPCError as error:
            print('unknown method:', error.code, error.message)
        await session.send_notification('Handler.Execute', [{'Name': 'notified'}])
        async with session.send_batch() as batch:
            batch.add_request('Handler.Execute', [{'Name': 'b1'}])
            batch.add_notification('Handler.Execute', [{'Name': 'b2'}])
            batch.add_request('Handler.Execute', {'Name': 'b3'})
        print('batch:', [result['Message'] for result in batch.results])
        print('after:', (await session.send_request('Handler.Execute', [{'Name': 'again'}]))['Message'])


asyncio.run(main(int(sys.argv[1])))
