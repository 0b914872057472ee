package dev.tether.client;

import dev.tether.api.v1.ListSessionsRequest;
import dev.tether.api.v1.ListSessionsResponse;
import dev.tether.api.v1.Session;
import io.grpc.Status;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Iterates the sessions of ListSessions, fetching the next page when the current one runs out. */
final class SessionPages implements Iterator<Session> {
  private final Function<ListSessionsRequest, ListSessionsResponse> fetch;
  private ListSessionsRequest next;
  private List<Session> page = List.of();
  private int position;

  SessionPages(
      Function<ListSessionsRequest, ListSessionsResponse> fetch, ListSessionsRequest first) {
    this.fetch = fetch;
    this.next = first;
  }

  @Override
  public boolean hasNext() {
    // A page may be empty while a later one is not (a daemon may cut a page short); skip it.
    while (position == page.size() && next != null) {
      ListSessionsResponse response = fetch.apply(next);
      if (!response.getNextPageToken().isEmpty()
          && response.getNextPageToken().equals(next.getPageToken())) {
        // A daemon that hands back the token it was given would make this loop forever.
        throw Errors.of(
            Status.Code.INTERNAL,
            "ListSessions returned the page token it was given: " + next.getPageToken(),
            "",
            ErrorDetails.NONE,
            null);
      }
      page = response.getSessionsList();
      position = 0;
      next =
          response.getNextPageToken().isEmpty()
              ? null
              : next.toBuilder().setPageToken(response.getNextPageToken()).build();
    }
    return position < page.size();
  }

  @Override
  public Session next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.get(position++);
  }
}
