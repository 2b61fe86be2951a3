"""Captured request bodies of kubectl 1.37 (`<command>` against a recording server) and the object
the same command prints with `--dry-run=client -o json` (status dropped): the ground truth for
kubesim.protobuf."""

from __future__ import annotations

from typing import Any

CAPTURES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "ns": (
        "kubectl create namespace nsx",
        (
            "6b3873000a0f0a02763112094e616d657370616365121b0a130a036e737812001a0022002a0032003800420012001a02"
            "0a001a002200"
        ),
        {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "nsx"}},
    ),
    "cm": (
        "kubectl create configmap cmx --from-literal=ka=va --from-literal=kb=vb -n nsq",
        (
            "6b3873000a0f0a0276311209436f6e6669674d6170122c0a160a03636d7812001a036e737122002a0032003800420012"
            "080a026b611202766112080a026b62120276621a002200"
        ),
        {
            "kind": "ConfigMap",
            "apiVersion": "v1",
            "metadata": {"name": "cmx", "namespace": "nsq"},
            "data": {"ka": "va", "kb": "vb"},
        },
    ),
    "secret": (
        "kubectl create secret generic sx --from-literal=user=admin --type=Opaque",
        (
            "6b3873000a0c0a0276311206536563726574122b0a120a02737812001a0022002a00320038004200120d0a0475736572"
            "120561646d696e1a064f70617175651a002200"
        ),
        {
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": {"name": "sx"},
            "data": {"user": "YWRtaW4="},
            "type": "Opaque",
        },
    ),
    "deploy": (
        "kubectl create deployment depx --image=nginx:1.25 --image=busybox:1.36 --replicas=3 --port=8080",
        (
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412f0010a210a046465707812001a0022002a003200"
            "380042005a0b0a0361707012046465707812bc010803120d0a0b0a036170701204646570781aa0010a1d0a0012001a00"
            "22002a003200380042005a0b0a03617070120464657078127f12340a056e67696e78120a6e67696e783a312e32352a00"
            "320b0a00100018903f22002a0042006a007200800100880100900100a20100122b0a0762757379626f78120c62757379"
            "626f783a312e33362a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a"
            "01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200"
        ),
        {
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": {"name": "depx", "labels": {"app": "depx"}},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "depx"}},
                "template": {
                    "metadata": {"labels": {"app": "depx"}},
                    "spec": {
                        "containers": [
                            {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 8080}]},
                            {"name": "busybox", "image": "busybox:1.36"},
                        ]
                    },
                },
            },
        },
    ),
    "svc": (
        "kubectl create service nodeport svcx --tcp=80:8080 --tcp=443:8443 --node-port=30080",
        (
            "6b3873000a0d0a027631120753657276696365128e010a210a047376637812001a0022002a003200380042005a0b0a03"
            "61707012047376637812650a1d0a0738302d38303830120354435018502207080010903f1a002880eb010a1f0a083434"
            "332d38343433120354435018bb032207080010fb411a002880eb01120b0a036170701204737663781a0022084e6f6465"
            "506f72743a00420052005a00600068001a020a001a002200"
        ),
        {
            "kind": "Service",
            "apiVersion": "v1",
            "metadata": {"name": "svcx", "labels": {"app": "svcx"}},
            "spec": {
                "ports": [
                    {"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080},
                    {
                        "name": "443-8443",
                        "protocol": "TCP",
                        "port": 443,
                        "targetPort": 8443,
                        "nodePort": 30080,
                    },
                ],
                "selector": {"app": "svcx"},
                "type": "NodePort",
            },
        },
    ),
    "ing": (
        'kubectl create ingress ingx --class=nginx --rule="foo.com/bar*=svc1:8080,tls=my-cert" --default-backend=defsvc:http --annotation=a=b',
        (
            "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e67726573731285010a1c0a04696e6778"
            "12001a0022002a0032003800420062060a016112016212610a1422120a0664656673766312080a046874747010001212"
            "0a07666f6f2e636f6d12076d792d636572741a2e0a07666f6f2e636f6d12230a210a1f0a042f626172120f220d0a0473"
            "76633112050a0010903f1a0650726566697822056e67696e781a020a001a002200"
        ),
        {
            "kind": "Ingress",
            "apiVersion": "networking.k8s.io/v1",
            "metadata": {"name": "ingx", "annotations": {"a": "b"}},
            "spec": {
                "ingressClassName": "nginx",
                "defaultBackend": {"service": {"name": "defsvc", "port": {"name": "http"}}},
                "tls": [{"hosts": ["foo.com"], "secretName": "my-cert"}],
                "rules": [
                    {
                        "host": "foo.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/bar",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "svc1", "port": {"number": 8080}}},
                                }
                            ]
                        },
                    }
                ],
            },
        },
    ),
    "rb": (
        "kubectl create rolebinding rbx --role=rolex --user=alice --group=devs --serviceaccount=default:sa1",
        (
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e"
            "6712b9010a130a0372627812001a0022002a00320038004200122a0a04557365721219726261632e617574686f72697a"
            "6174696f6e2e6b38732e696f1a05616c6963652200122a0a0547726f75701219726261632e617574686f72697a617469"
            "6f6e2e6b38732e696f1a0464657673220012200a0e536572766963654163636f756e7412001a03736131220764656661"
            "756c741a280a19726261632e617574686f72697a6174696f6e2e6b38732e696f1204526f6c651a05726f6c65781a0022"
            "00"
        ),
        {
            "kind": "RoleBinding",
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": {"name": "rbx"},
            "subjects": [
                {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"},
                {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "devs"},
                {"kind": "ServiceAccount", "name": "sa1", "namespace": "default"},
            ],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "rolex"},
        },
    ),
    "cj": (
        'kubectl create cronjob cjx --image=busybox --schedule="*/5 * * * *" --restart=OnFailure -- date',
        (
            "6b3873000a130a0862617463682f7631120743726f6e4a6f6212a7010a130a03636a7812001a0022002a003200380042"
            "00128d010a0b2a2f35202a202a202a202a1a002a7c0a130a03636a7812001a0022002a00320038004200126532630a10"
            "0a0012001a0022002a00320038004200124f12280a03636a78120762757379626f781a04646174652a0042006a007200"
            "800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201"
            "001a001a002200"
        ),
        {
            "kind": "CronJob",
            "apiVersion": "batch/v1",
            "metadata": {"name": "cjx"},
            "spec": {
                "schedule": "*/5 * * * *",
                "jobTemplate": {
                    "metadata": {"name": "cjx"},
                    "spec": {
                        "template": {
                            "spec": {
                                "containers": [{"name": "cjx", "image": "busybox", "command": ["date"]}],
                                "restartPolicy": "OnFailure",
                            }
                        }
                    },
                },
            },
        },
    ),
}
