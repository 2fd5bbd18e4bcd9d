package dev.parley.bench;

/** SDP-looking text of a given length, written as the inside of a JSON string (CRLF escaped). */
final class Sdp {
    private Sdp() {}

    static String of(int seed, int length) {
        String[] lines = {
            "v=0",
            "o=- " + (4611731400430051336L + seed) + " 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS bench",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:b" + Integer.toString(seed, 36),
            "a=ice-pwd:Zq8bYqL2m3N4r5S6t7U8v9Wx",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 4F:2A:93:0C:7D:55:E1:B8:19:6A:F0:3C:D2:8E:47:B1:90:5D:6E:A3:12:C4:7F:08:E9:31:BB:5A:60:DE:24:97",
            "a=setup:actpass",
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=sendrecv",
            "a=msid:bench audio0",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 45",
            "c=IN IP4 0.0.0.0",
            "a=mid:1",
            "a=sendrecv",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb",
            "a=rtcp-fb:96 transport-cc",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
        };
        StringBuilder sb = new StringBuilder(length + 64);
        int i = 0;
        while (sb.length() < length) {
            String line = i < lines.length ? lines[i] : "a=ssrc:" + (1000 + seed * 7 + i) + " cname:bench" + i;
            sb.append(line).append("\\r\\n");
            i++;
        }
        sb.setLength(Math.max(0, length));
        // never end inside an escape
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '\\') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
