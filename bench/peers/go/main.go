// signet-go-peer: the sidecar a platform team would write instead of signet
// in an afternoon, as the benchmark suite's point of comparison. A grpc-go
// server for signet.v1.Gateway with:
//
//	CallInnoPaaS  forward to -upstream + path (method, query, body, caller
//	              headers but the signed ones and hop-by-hop ones), with
//	              Content-Type, AppKey and Authorization attached; answer the
//	              upstream's status, headers and body, as signet does
//	GetToken      an OpenAPI token (seed 002) fetched from -emulator once,
//	              kept in memory until -refresh_before its expiry
//	grpc.health.v1.Health  grpc-go's standard health service, SERVING
//
// Every other RPC is Unimplemented. One shared http.Client with a keep-alive
// pool sized for the benchmark's concurrency. No metrics, no access log, no
// config file: flags only.
//
// Built offline from Debian's Go packages by build.sh (GOPATH mode).
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "signet/gen/signetv1"
)

var (
	listen        = flag.String("listen", "127.0.0.1:50061", "gRPC listen address")
	upstream      = flag.String("upstream", "http://127.0.0.1:8080", "InnoPaaS base URL (no trailing slash)")
	appKey        = flag.String("app_key", "", "InnoPaaS AppKey header value")
	authorization = flag.String("authorization", "", "InnoPaaS Authorization header value")
	emulator      = flag.String("emulator", "http://127.0.0.1:8081", "OpenAPI base URL (token endpoint)")
	appID         = flag.String("app_id", "app-123", "OpenAPI app_id")
	appSecret     = flag.String("app_secret", "", "OpenAPI app secret (signs the token request)")
	refreshBefore = flag.Duration("refresh_before", 5*time.Minute, "fetch a new token this long before expiry")
	maxConns      = flag.Int("max_idle_conns", 512, "keep-alive connections kept per upstream host")
	maxBody       = flag.Int64("max_body_bytes", 8<<20, "largest upstream answer")
)

// Hop-by-hop and framing headers (RFC 9110 7.6.1): never taken from a
// caller (the transport writes its own).
var hopByHop = map[string]bool{
	"host": true, "connection": true, "content-length": true,
	"transfer-encoding": true, "te": true, "trailer": true, "upgrade": true,
	"keep-alive": true, "expect": true,
}

// The headers the peer sets itself; a caller's copies are dropped.
var signed = map[string]bool{"content-type": true, "appkey": true, "authorization": true}

var methods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true}

type token struct {
	value   string
	expires time.Time
}

type gateway struct {
	pb.UnimplementedGatewayServer
	client *http.Client

	cached   atomic.Value // *token; read without a lock on every GetToken
	fetching sync.Mutex   // one token fetch at a time
}

func (g *gateway) CallInnoPaaS(ctx context.Context, in *pb.CallInnoPaaSRequest) (*pb.HttpResponse, error) {
	if in.Profile != "" && in.Profile != "default" {
		return nil, status.Errorf(codes.NotFound, "no InnoPaaS profile %q", in.Profile)
	}
	method := strings.ToUpper(in.Method)
	if !methods[method] {
		return nil, status.Error(codes.InvalidArgument, "method: GET, POST, PUT, PATCH, DELETE or HEAD")
	}
	if !strings.HasPrefix(in.Path, "/") || strings.HasPrefix(in.Path, "//") ||
		strings.ContainsAny(in.Path, "?# ") {
		return nil, status.Error(codes.InvalidArgument, "path: must be an absolute path")
	}
	url := *upstream + in.Path
	if len(in.Query) > 0 {
		url += "?" + encodeQuery(in.Query)
	}
	var body io.Reader
	if len(in.Body) > 0 {
		body = bytes.NewReader(in.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "request: %v", err)
	}
	for _, h := range in.Headers {
		name := strings.ToLower(h.Name)
		if hopByHop[name] || strings.HasPrefix(name, "proxy-") || signed[name] {
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	req.Header["Content-Type"] = []string{"application/json;charset=utf-8"}
	req.Header["AppKey"] = []string{*appKey} // as written, not canonicalized
	req.Header["Authorization"] = []string{*authorization}

	resp, err := g.client.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, *maxBody+1))
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if int64(len(data)) > *maxBody {
		return nil, status.Errorf(codes.ResourceExhausted, "response body exceeds %d bytes", *maxBody)
	}
	out := &pb.HttpResponse{Status: int32(resp.StatusCode), Body: data}
	// Go keeps headers in a map: names sorted, a repeated header's values
	// in order (signet keeps the wire order).
	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range resp.Header[name] {
			out.Headers = append(out.Headers, &pb.Header{Name: name, Value: value})
		}
	}
	return out, nil
}

func transportError(ctx context.Context, err error) error {
	if ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "upstream: deadline exceeded")
	}
	if ctx.Err() == context.Canceled {
		return status.Error(codes.Canceled, "call cancelled")
	}
	return status.Errorf(codes.Unavailable, "upstream: %v", err)
}

// RFC 3986 percent-encoding of everything but unreserved characters, keys
// in order (as signet's EncodeQuery does for its std::map).
func encodeQuery(query map[string]string) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		escape(&b, k)
		b.WriteByte('=')
		escape(&b, query[k])
	}
	return b.String()
}

func escape(b *strings.Builder, s string) {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
}

func (g *gateway) GetToken(ctx context.Context, in *pb.GetTokenRequest) (*pb.GetTokenResponse, error) {
	if in.Profile != "" && in.Profile != "default" {
		return nil, status.Errorf(codes.NotFound, "no OpenAPI profile %q", in.Profile)
	}
	if !in.ForceRefresh {
		if t, ok := g.cached.Load().(*token); ok && time.Until(t.expires) > *refreshBefore {
			return tokenResponse(t, true), nil
		}
	}
	t, fresh, err := g.refresh(ctx, in.ForceRefresh)
	if err != nil {
		return nil, err
	}
	return tokenResponse(t, !fresh), nil
}

func tokenResponse(t *token, fromCache bool) *pb.GetTokenResponse {
	return &pb.GetTokenResponse{
		Token:      t.value,
		ExpireTime: timestamppb.New(t.expires),
		AppId:      *appID,
		FromCache:  fromCache,
	}
}

// refresh fetches a token unless a caller that held the lock before this
// one already did; it says whether this call fetched it.
func (g *gateway) refresh(ctx context.Context, force bool) (*token, bool, error) {
	before, _ := g.cached.Load().(*token)
	g.fetching.Lock()
	defer g.fetching.Unlock()
	if t, ok := g.cached.Load().(*token); ok && time.Until(t.expires) > *refreshBefore &&
		(!force || t != before) {
		return t, false, nil
	}
	t, err := g.fetchToken(ctx)
	if err != nil {
		return nil, false, err
	}
	g.cached.Store(t)
	return t, true, nil
}

// POST /api/v5/authentication/token with app_id, time_stamp and
// signature = sha256 hex of app_id + time_stamp + secret (seed 002).
func (g *gateway) fetchToken(ctx context.Context) (*token, error) {
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	sum := sha256.Sum256([]byte(*appID + stamp + *appSecret))
	payload, _ := json.Marshal(map[string]string{
		"app_id": *appID, "time_stamp": stamp, "signature": hex.EncodeToString(sum[:]),
	})
	req, err := http.NewRequestWithContext(ctx, "POST", *emulator+"/api/v5/authentication/token",
		bytes.NewReader(payload))
	if err != nil {
		return nil, status.Errorf(codes.Internal, "token request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	requested := time.Now()
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	var answer struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data struct {
			Token      string `json:"token"`
			ExpireTime string `json:"expire_time"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		return nil, status.Errorf(codes.Unavailable, "token answer (HTTP %d): %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || answer.Code != 0 || answer.Data.Token == "" {
		return nil, status.Errorf(codes.Unavailable, "token refused: HTTP %d, code %d, %s",
			resp.StatusCode, answer.Code, answer.Msg)
	}
	// A zone-less expire_time, read as UTC; the seed promises about 2 hours.
	expires, err := time.Parse("2006-01-02T15:04:05.999999", answer.Data.ExpireTime)
	if err != nil || expires.After(requested.Add(2*time.Hour)) {
		expires = requested.Add(2 * time.Hour)
	}
	return &token{value: answer.Data.Token, expires: expires}, nil
}

func main() {
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = *maxConns
	transport.MaxIdleConnsPerHost = *maxConns
	transport.IdleConnTimeout = 90 * time.Second
	transport.ForceAttemptHTTP2 = false // the upstream speaks HTTP/1.1
	// No Accept-Encoding: gzip and transparent decompression; the upstream
	// gets what signet (libcurl) sends and the caller the body as sent.
	transport.DisableCompression = true
	g := &gateway{client: &http.Client{Transport: transport}}

	// Warm the token cache before serving, as signet's prewarm does; a
	// failure is not fatal (the first GetToken retries).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	if _, _, err := g.refresh(ctx, false); err != nil {
		log.Printf("warning: token prewarm failed: %v", err)
	}
	cancel()

	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("listen %s: %v", *listen, err)
	}
	server := grpc.NewServer()
	pb.RegisterGatewayServer(server, g)
	healthServer := health.NewServer()
	healthServer.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		server.Stop()
	}()
	fmt.Fprintf(os.Stderr, "signet-go-peer listening on %s\n", lis.Addr())
	if err := server.Serve(lis); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
