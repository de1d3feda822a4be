#!/usr/bin/python3
"""examples/plugins/python_verifier.py: a reward plugin in Python served over
gRPC (rlzero.v1.VerifierService, proto/rlzero/v1/verifier.proto).

It serves one task, "keyword": score 1.0 when the text inside the response's
last <answer>...</answer> contains the sample's `keyword` (case-insensitive),
else 0.0. Replace `score_keyword` with your own scorer.

Run:   /usr/bin/python3 examples/plugins/python_verifier.py --listen 127.0.0.1:0
It prints one line `{"listening": "127.0.0.1:PORT"}` on stdout when ready.
Use:   rlzero verify --task keyword --plugin-grpc 127.0.0.1:PORT --input samples.jsonl
Needs: Debian's python3-grpcio and python3-protobuf, plus protoc and
grpc_python_plugin (protobuf-compiler, protobuf-compiler-grpc) to generate the
stubs, which this script does at start-up into a temporary directory.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_DIR = os.path.join(HERE, "..", "..", "proto")


def load_stubs(proto_dir):
    """Generates verifier_pb2 / verifier_pb2_grpc with protoc and imports them."""
    out = tempfile.mkdtemp(prefix="rlz_pystubs_")
    proto = os.path.join(proto_dir, "rlzero", "v1", "verifier.proto")
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out, "--grpc_out", out,
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", proto], check=True)
    sys.path.insert(0, out)
    from rlzero.v1 import verifier_pb2, verifier_pb2_grpc  # noqa: E402
    return verifier_pb2, verifier_pb2_grpc


def score_keyword(sample):
    """Returns (correct, score, extracted, reason) for one sample dict."""
    response = sample.get("response")
    keyword = sample.get("keyword")
    if not isinstance(response, str) or not isinstance(keyword, str):
        raise ValueError("sample needs string fields 'response' and 'keyword'")
    start = response.rfind("<answer>")
    end = response.find("</answer>", start + 1) if start >= 0 else -1
    answer = response[start + len("<answer>"):end].strip() if end >= 0 else ""
    if not answer:
        return False, 0.0, "", "no <answer>...</answer>"
    ok = keyword.lower() in answer.lower()
    return ok, 1.0 if ok else 0.0, answer, "" if ok else "keyword %r not in the answer" % keyword


TASKS = {"keyword": score_keyword}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--proto-dir", default=DEFAULT_PROTO_DIR)
    args = ap.parse_args()

    import grpc
    pb2, pb2_grpc = load_stubs(args.proto_dir)

    def answer(task, sample_json):
        resp = pb2.VerifyResponse()
        try:
            sample = json.loads(sample_json)
            if not isinstance(sample, dict):
                raise ValueError("sample is not a JSON object")
            correct, score, extracted, reason = TASKS[task](sample)
            resp.correct, resp.score, resp.extracted, resp.reason = correct, score, extracted, reason
        except Exception as e:  # one bad sample never fails the call
            resp.error = "%s: %s" % (type(e).__name__, e)
        return resp

    class Service(pb2_grpc.VerifierServiceServicer):
        def Verify(self, request, context):
            if request.task not in TASKS:
                context.abort(grpc.StatusCode.NOT_FOUND, "unknown task %r" % request.task)
            return answer(request.task, request.sample_json)

        def VerifyBatch(self, request, context):
            if request.task not in TASKS:
                context.abort(grpc.StatusCode.NOT_FOUND, "unknown task %r" % request.task)
            return pb2.VerifyBatchResponse(
                results=[answer(request.task, s) for s in request.samples_json])

        def ListVerifiers(self, request, context):
            return pb2.ListVerifiersResponse(names=sorted(TASKS))

    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    pb2_grpc.add_VerifierServiceServicer_to_server(Service(), server)
    port = server.add_insecure_port(args.listen)
    if port == 0:
        sys.exit("cannot listen on %s" % args.listen)
    server.start()
    host = args.listen.rsplit(":", 1)[0]
    print(json.dumps({"listening": "%s:%d" % (host, port)}), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
