#!/usr/bin/python3
"""Runs Triton's own Python HTTP client (tritonclient.http, from its source) against this server's V2 endpoints.

A client nobody here wrote: health, metadata, infer with JSON tensors, infer with binary tensor data (the client's
default), and the classification extension. Prints what the client returns; exits 1 when an answer is not what V2
promises (shapes, datatypes, probabilities that sum to 1, the same numbers through JSON and binary).

  git clone --depth 1 https://github.com/triton-inference-server/client /tmp/triton-client
  apt-get install python3-geventhttpclient python3-rapidjson python3-numpy
  tools/openinference/triton_client.py --tritonclient /tmp/triton-client/src/python/library --url 127.0.0.1:8080
"""
import argparse
import ssl
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tritonclient", required=True, help="the directory holding the tritonclient package (client repo: src/python/library)")
    parser.add_argument("--url", default="127.0.0.1:8080", help="host:port of the server, without a scheme")
    parser.add_argument("--https", action="store_true", help="TLS without verifying the certificate (the server's self-signed one)")
    parser.add_argument("--model", required=True, help="the model name (Model:Name; by default the bundle directory's name)")
    parser.add_argument("--api-key", help="sent as Authorization: Bearer <key>")
    args = parser.parse_args()

    sys.path.insert(0, args.tritonclient)
    import numpy as np
    import tritonclient.http as httpclient
    from tritonclient.utils import InferenceServerException

    options = {}
    if args.https:
        options = {"ssl": True, "insecure": True, "ssl_context_factory": lambda: ssl._create_unverified_context()}
    client = httpclient.InferenceServerClient(url=args.url, **options)
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else None
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)
            print(f"FAIL: {message}")

    print("is_server_live:", client.is_server_live())
    print("is_server_ready:", client.is_server_ready())
    metadata = client.get_server_metadata()
    print("server metadata:", metadata)
    check({"classification", "binary_tensor_data"} <= set(metadata["extensions"]), "extensions")
    model = args.model
    print("is_model_ready:", client.is_model_ready(model, headers=headers))
    model_metadata = client.get_model_metadata(model, headers=headers)
    print("model metadata:", model_metadata)
    labels = model_metadata["labels"]

    texts = ["Congratulations! You have won a free cruise, click here to claim your prize now.",
             "Hi Sam, the quarterly report is attached. Can we go through it on Thursday at 10?"]
    batch = np.array([[t.encode("utf-8")] for t in texts], dtype=np.object_)  # shape [N, 1], as Triton's string examples send

    def infer(binary, outputs, request_id):
        text = httpclient.InferInput("text", list(batch.shape), "BYTES")
        text.set_data_from_numpy(batch, binary_data=binary)
        return client.infer(model, [text], outputs=outputs, request_id=request_id, headers=headers)

    print("\n-- infer, JSON tensors in and out --")
    result = infer(False, [httpclient.InferRequestedOutput(name, binary_data=False) for name in ("label", "probabilities", "logits")], "json-1")
    response = result.get_response()
    print("response:", response)
    json_probabilities = result.as_numpy("probabilities")
    print("label:", result.as_numpy("label"))
    print("probabilities:", json_probabilities)
    check(response["id"] == "json-1", "id echoed")
    check(json_probabilities.shape == (len(texts), len(labels)) and json_probabilities.dtype == np.float32, "probabilities FP32 [N, C]")
    check(np.allclose(json_probabilities.sum(axis=1), 1.0, atol=1e-5), "probabilities sum to 1")

    print("\n-- infer, binary tensor data in and out (the client's default) --")
    result = infer(True, None, "binary-1")
    binary_probabilities = result.as_numpy("probabilities")
    print("response:", result.get_response())
    print("label:", result.as_numpy("label"))
    print("probabilities:", binary_probabilities)
    print("logits:", result.as_numpy("logits"))
    check(np.array_equal(binary_probabilities, json_probabilities), "binary and JSON probabilities are the same numbers")
    check([label.decode() for label in result.as_numpy("label")] == [labels[i] for i in json_probabilities.argmax(axis=1)], "labels are the arg-max")

    print("\n-- classification extension: top 2 of probabilities, binary --")
    result = infer(True, [httpclient.InferRequestedOutput("probabilities", binary_data=True, class_count=2)], "classification-1")
    classes = result.as_numpy("probabilities")
    print("response:", result.get_response())
    print("probabilities (top 2):", classes)
    check(classes.shape == (len(texts), min(2, len(labels))), "classification BYTES [N, k]")
    best = [row[0].decode().split(":") for row in classes]
    check([labels[int(index)] == label for _, index, label in best] == [True] * len(texts), "value:index:label")

    print("\n-- an error the client raises from the server's {\"error\": ...} --")
    try:
        client.infer(model, [httpclient.InferInput("text", [1], "FP32")], headers=headers)
        check(False, "an FP32 input is refused")
    except InferenceServerException as error:
        print("InferenceServerException:", error)
        check("BYTES" in str(error), "the error names the datatype")

    print("\ntriton client:", "ok" if not failures else f"{len(failures)} failed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
