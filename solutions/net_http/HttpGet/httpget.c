/*
 * HttpGet: an HTTP/1.0 client on BSD sockets (served by VfsFsnet).
 *
 *   HttpGet HOST PORT PATH        e.g. HttpGet 10.0.2.2 8123 /index.html
 *
 * Resolves HOST (numeric, or a name through VfsFsnet's DNS) with
 * getaddrinfo, connects, sends "GET PATH HTTP/1.0", reads until the server
 * closes and prints the status line, the
 * body between "HttpGet: --- body ---" and "HttpGet: --- end (N bytes) ---".
 * Exit status 0 for a 200 answer, 1 otherwise (errno text printed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>

#define MAX_DOC (256 * 1024)

int main(int argc, char *argv[])
{
    const char *host = argc > 1 ? argv[1] : "10.0.2.2";
    const char *port = argc > 2 ? argv[2] : "8123";
    const char *path = argc > 3 ? argv[3] : "/";
    printf("HttpGet: GET http://%s:%s%s\n", host, port, path);

    struct addrinfo hints, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        printf("HttpGet: getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        printf("HttpGet: socket: %s\n", strerror(errno));
        freeaddrinfo(ai);
        return 1;
    }
    struct timeval tv = { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        printf("HttpGet: connect: %s\n", strerror(errno));
        freeaddrinfo(ai);
        close(fd);
        return 1;
    }
    freeaddrinfo(ai);

    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: KOS-A64 HttpGet\r\n\r\n",
                     path, host, port);
    if (n < 0 || (size_t)n >= sizeof req || send(fd, req, (size_t)n, 0) != n) {
        printf("HttpGet: send: %s\n", strerror(errno));
        close(fd);
        return 1;
    }
    char *doc = malloc(MAX_DOC + 1);
    if (!doc) {
        close(fd);
        return 1;
    }
    size_t len = 0;
    for (;;) {
        ssize_t r = recv(fd, doc + len, MAX_DOC - len, 0);
        if (r < 0) {
            printf("HttpGet: recv: %s\n", strerror(errno));
            close(fd);
            return 1;
        }
        if (r == 0 || (len += (size_t)r) == MAX_DOC)
            break;
    }
    close(fd);
    doc[len] = '\0';

    char *eol = strstr(doc, "\r\n");
    char *body = strstr(doc, "\r\n\r\n");
    if (!eol || !body) {
        printf("HttpGet: malformed answer (%zu bytes)\n", len);
        return 1;
    }
    *eol = '\0';
    body += 4;
    size_t body_len = len - (size_t)(body - doc);
    printf("HttpGet: status: %s\n", doc);
    printf("HttpGet: --- body ---\n");
    fwrite(body, 1, body_len, stdout);
    if (body_len && body[body_len - 1] != '\n')
        printf("\n");
    printf("HttpGet: --- end (%zu bytes) ---\n", body_len);
    int ok = strncmp(doc, "HTTP/1.", 7) == 0 && strstr(doc, " 200") != NULL;
    free(doc);
    return ok ? 0 : 1;
}
