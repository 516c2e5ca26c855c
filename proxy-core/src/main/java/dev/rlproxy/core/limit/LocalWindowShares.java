package dev.rlproxy.core.limit;

import java.util.ArrayList;
import java.util.List;

/**
 * What one replica may still send of each window of one learned bucket while the shared store is
 * away under {@code local-share}. Made when the replica notices the outage, dropped when the store
 * answers again. Guarded by the bucket lock.
 *
 * <ul>
 *   <li>The window in progress: {@code floor((remaining − own in flight) / expectedReplicas)}, the
 *       remaining as this replica last heard it.</li>
 *   <li>Each later window (after its reset, or a report of a later one):
 *       {@code floor(limit / expectedReplicas)} minus this replica's requests still in flight, which
 *       the upstream may count in the new window.</li>
 *   <li>On top, the window's own rule: at most {@code reported remaining − own in flight}. The
 *       upstream's remaining counts every replica's sends, so each report lowers it for all.</li>
 * </ul>
 *
 * <p>So the replicas together send at most about the remaining they heard, if {@code expectedReplicas}
 * is at least the number running (see {@code docs/shared-state.md} for the bound and its limits).
 */
final class LocalWindowShares {

    private final LearnedWindowSharing sharing;
    private final List<Share> shares = new ArrayList<>(2);

    LocalWindowShares(LearnedWindowSharing sharing) {
        this.sharing = sharing;
    }

    /**
     * When this replica's share of {@code window} lets one more go: now, the window's deadline (the
     * next window brings a new share), or {@link Bucket#UNTIL_RELEASE}. Call after {@link ReportedWindow#refresh}.
     */
    long earliestNanos(ReportedWindow window, long now, int inFlight) {
        Share share = shareOf(window, inFlight);
        return share.left >= 1 ? now : window.nextWindowNanos(now);
    }

    /** A request was admitted: it takes one from the share of every window. */
    void admitted() {
        for (int i = 0; i < shares.size(); i++) {
            shares.get(i).left--;
        }
    }

    private Share shareOf(ReportedWindow window, int inFlight) {
        for (int i = 0; i < shares.size(); i++) {
            Share share = shares.get(i);
            if (share.window == window) {
                if (share.generation != window.generation()) {
                    share.generation = window.generation();
                    share.left = laterWindow(window, inFlight);
                }
                return share;
            }
        }
        Share share = new Share(window, sharing.localShare(window.available(inFlight)));
        shares.add(share);
        return share;
    }

    /** A later window's share; with the limit unknown, the window's own rule alone (one probe at a time). */
    private long laterWindow(ReportedWindow window, int inFlight) {
        return window.limit() > 0
                ? Math.max(0, sharing.localShare(window.limit()) - inFlight)
                : window.available(inFlight);
    }

    private static final class Share {
        final ReportedWindow window;
        long generation;
        long left;

        Share(ReportedWindow window, long left) {
            this.window = window;
            this.generation = window.generation();
            this.left = left;
        }
    }
}
