package dev.rlproxy.server.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitHub-style list endpoints and redirects, so clients that follow URLs from the upstream can be
 * tested: a GET with a {@code per_page} query parameter answers one page of a
 * {@value #COLLECTION_SIZE}-item collection as a JSON array, with a {@code Link} header of absolute
 * URLs (next, last, first, prev) and items carrying absolute {@code url}s, as GitHub does. A GET
 * under {@code /moved/} answers 301 with an absolute {@code Location} of the same path without it.
 */
final class ListPages {

    static final int COLLECTION_SIZE = 95;
    static final String MOVED_PREFIX = "/moved/";
    private static final int DEFAULT_PER_PAGE = 30;
    private static final int MAX_PER_PAGE = 100;

    private ListPages() {
    }

    /** Whether {@code method url} asks for a page or a redirect rather than the plain echo. */
    static boolean handles(String method, String path, String query) {
        return method.equals("GET") && (path.startsWith(MOVED_PREFIX) || param(query, "per_page") != null);
    }

    /** The answer, rate-limit {@code headers} included; {@code baseUrl} is this upstream's own URL. */
    static SimulatedResponse answer(String baseUrl, String path, String query, Map<String, String> headers) {
        if (path.startsWith(MOVED_PREFIX)) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put("Location", baseUrl + path.substring(MOVED_PREFIX.length() - 1) + (query == null ? "" : "?" + query));
            return SimulatedResponse.json(301, all, JsonText.message("Moved Permanently"));
        }
        int perPage = clamp(number(param(query, "per_page"), DEFAULT_PER_PAGE), 1, MAX_PER_PAGE);
        int last = Math.max(1, (COLLECTION_SIZE + perPage - 1) / perPage);
        int page = clamp(number(param(query, "page"), 1), 1, Integer.MAX_VALUE);
        String pageUrl = baseUrl + path + "?per_page=" + perPage + "&page=";
        StringBuilder link = new StringBuilder();
        if (page < last) {
            link.append('<').append(pageUrl).append(page + 1).append(">; rel=\"next\", ");
            link.append('<').append(pageUrl).append(last).append(">; rel=\"last\"");
        }
        if (page > 1) {
            link.append(link.isEmpty() ? "" : ", ");
            link.append('<').append(pageUrl).append(1).append(">; rel=\"first\", ");
            link.append('<').append(pageUrl).append(Math.min(page - 1, last)).append(">; rel=\"prev\"");
        }
        StringBuilder body = new StringBuilder("[");
        int first = (page - 1) * perPage + 1;
        for (int id = first; id < first + perPage && id <= COLLECTION_SIZE && page <= last; id++) {
            body.append(id == first ? "" : ",").append("{\"id\":").append(id)
                    .append(",\"url\":").append(JsonText.quote(baseUrl + path + "/" + id))
                    .append(",\"comments_url\":").append(JsonText.quote(baseUrl + path + "/" + id + "/comments"))
                    .append('}');
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (!link.isEmpty()) {
            all.put("Link", link.toString());
        }
        return SimulatedResponse.json(200, all, body.append(']').toString());
    }

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }

    private static int number(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
