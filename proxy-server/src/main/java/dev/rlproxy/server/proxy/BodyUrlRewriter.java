package dev.rlproxy.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;

/**
 * Rewrites the upstream's absolute URLs in a streamed JSON body, chunk by chunk: every occurrence of
 * the upstream's origin and base path ({@code https://api.github.com}, {@code http://ghe:8089/api/v3})
 * followed by a URL boundary ({@code / ? # "} or {@code \}) becomes the client's
 * ({@code http://proxy:8080/github}). Memory is bounded: only a tail shorter than the pattern is held
 * back between chunks, so a URL split across chunks is still found. The scheme and host match
 * case-insensitively; JSON's optional {@code \/} escaping is not recognised.
 *
 * <p>Not thread-safe: one per response, used on its event loop.
 */
final class BodyUrlRewriter {

    private final byte[] pattern;
    /** How many leading bytes of {@link #pattern} (scheme and host) match case-insensitively. */
    private final int caseInsensitivePrefix;
    private final byte[] replacement;
    /** Bytes held back from the previous chunk: they may begin a match. Never longer than the pattern. */
    private byte[] carry = new byte[0];

    BodyUrlRewriter(String upstreamBase, int originLength, String clientBase) {
        this.pattern = upstreamBase.getBytes(StandardCharsets.US_ASCII);
        this.caseInsensitivePrefix = originLength;
        this.replacement = clientBase.getBytes(StandardCharsets.UTF_8);
    }

    /** The next body part, rewritten (the input is released); trailers of the last part are kept. */
    HttpContent rewrite(HttpContent content, ByteBufAllocator alloc) {
        if (content instanceof LastHttpContent last) {
            LastHttpContent out = new DefaultLastHttpContent(rewrite(last.content().retain(), true, alloc));
            out.trailingHeaders().set(last.trailingHeaders());
            last.release();
            return out;
        }
        return new DefaultHttpContent(rewrite(content.content(), false, alloc));
    }

    /**
     * The rewritten bytes of the next chunk (the input is released). With {@code last} the held-back
     * tail is flushed too; otherwise up to a pattern's length may stay back for the next chunk.
     */
    ByteBuf rewrite(ByteBuf chunk, boolean last, ByteBufAllocator alloc) {
        byte[] data;
        try {
            data = new byte[carry.length + chunk.readableBytes()];
            System.arraycopy(carry, 0, data, 0, carry.length);
            chunk.getBytes(chunk.readerIndex(), data, carry.length, chunk.readableBytes());
        } finally {
            chunk.release();
        }
        // A match starting at i needs pattern.length bytes plus one boundary byte (or the end of the body).
        int decidable = last ? data.length : Math.max(0, data.length - pattern.length);
        ByteBuf out = null;
        int copied = 0;
        int i = 0;
        while (i < decidable) {
            if (matchesAt(data, i, last)) {
                if (out == null) {
                    out = alloc.buffer(data.length + replacement.length);
                }
                out.writeBytes(data, copied, i - copied).writeBytes(replacement);
                i += pattern.length;
                copied = i;
            } else {
                i++;
            }
        }
        int emitEnd = Math.max(copied, decidable);
        carry = java.util.Arrays.copyOfRange(data, emitEnd, data.length);
        if (out == null) {
            return emitEnd == 0 ? Unpooled.EMPTY_BUFFER : alloc.buffer(emitEnd).writeBytes(data, 0, emitEnd);
        }
        return out.writeBytes(data, copied, emitEnd - copied);
    }

    private boolean matchesAt(byte[] data, int at, boolean last) {
        int end = at + pattern.length;
        if (end > data.length) {
            return false;
        }
        for (int k = 0; k < pattern.length; k++) {
            byte b = data[at + k];
            byte p = pattern[k];
            if (b != p && !(k < caseInsensitivePrefix && toLower(b) == p)) {
                return false;
            }
        }
        if (end == data.length) {
            return last;
        }
        byte next = data[end];
        return next == '/' || next == '?' || next == '#' || next == '"' || next == '\\';
    }

    private static byte toLower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }
}
