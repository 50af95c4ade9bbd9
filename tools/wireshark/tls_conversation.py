#!/usr/bin/env python3
"""A TLS conversation between an agency and the server, made in memory, printed as text2pcap input.

tools/wireshark/capture-test.sh uses it for its synthetic TLS capture (no JVM, no socket): Python's ssl module runs
both ends of a mutual-TLS handshake over memory BIOs with the certificates generar-compose.sh --tls makes, then the
agency sends CLIENT_HEX (lottery frames) and the server answers SERVER_HEX, both encrypted. Every chunk of records one
side writes becomes one text2pcap segment: "I" (agency to server) or "O" (server to agency), then its bytes in hex.

    python3 tls_conversation.py CA SERVER_CERT SERVER_KEY AGENCY_CERT AGENCY_KEY CLIENT_HEX SERVER_HEX

Prints the segments on stdout and, on stderr, one line: the TLS version and cipher. Exit status 1 when the handshake
or the exchange fails (the reason on stderr). Stdlib only.
"""

import ssl
import sys

MAX_ROUNDS = 50  # a TLS 1.3 handshake with client certificates takes 3 or 4 flights; bounded anyway


def segments_of(data, direction, out):
    if data:
        out.append(f"{direction}\n000000 {data.hex(' ')}")


def main(argv):
    if len(argv) != 8:
        print(__doc__.strip().splitlines()[5].strip(), file=sys.stderr)
        return 2
    ca, server_cert, server_key, agency_cert, agency_key, client_hex, server_hex = argv[1:]
    request = bytes.fromhex(client_hex.replace(" ", ""))
    reply = bytes.fromhex(server_hex.replace(" ", ""))

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(server_cert, server_key)
    server_context.load_verify_locations(ca)
    server_context.verify_mode = ssl.CERT_REQUIRED
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.load_verify_locations(ca)
    client_context.load_cert_chain(agency_cert, agency_key)

    to_server, from_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    to_client, from_server = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_context.wrap_bio(to_client, from_client, server_hostname="server")
    server = server_context.wrap_bio(to_server, from_server, server_side=True)
    segments = []

    def pump():
        data = from_client.read()
        segments_of(data, "I", segments)
        to_server.write(data)
        data = from_server.read()
        segments_of(data, "O", segments)
        to_client.write(data)

    done = {"client": False, "server": False}
    for _ in range(MAX_ROUNDS):
        for name, side in (("client", client), ("server", server)):
            if not done[name]:
                try:
                    side.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
            pump()
        if done["client"] and done["server"]:
            break
    else:
        print("tls_conversation: the handshake did not finish", file=sys.stderr)
        return 1

    client.write(request)
    pump()
    received = b""
    while len(received) < len(request):
        try:
            received += server.read(len(request) - len(received))
        except ssl.SSLWantReadError:
            break
    if received != request:
        print("tls_conversation: the server read other bytes than the agency sent", file=sys.stderr)
        return 1
    server.write(reply)
    pump()
    answer = b""
    for _ in range(MAX_ROUNDS):
        try:
            answer += client.read(len(reply) - len(answer))
        except ssl.SSLWantReadError:
            pump()  # a TLS 1.3 session ticket may come first
        if len(answer) >= len(reply):
            break
    if answer != reply:
        print("tls_conversation: the agency read other bytes than the server sent", file=sys.stderr)
        return 1
    print("\n".join(segments))
    print(f"{client.version()} {client.cipher()[0]}, agency certificate CN "
          f"{dict(x[0] for x in server.getpeercert()['subject'])['commonName']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ssl.SSLError, OSError, ValueError) as error:
        print(f"tls_conversation: {error}", file=sys.stderr)
        sys.exit(1)
