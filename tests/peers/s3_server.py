"""A real S3-compatible server on loopback (moto's ThreadedMotoServer), one bucket, and an IAM
user whose SigV4 signatures it checks on every request once started."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import boto3
from moto import settings as moto_settings
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer

from api.adapters.blob_storage import S3Credentials

REGION = "eu-west-3"
BUCKET = "comptoir-test-blobs"


@dataclass
class LocalS3Server:
    endpoint: str = ""
    credentials: S3Credentials = field(default_factory=lambda: S3Credentials("", "", REGION))
    _server: ThreadedMotoServer | None = None
    _previous_no_auth_count: float = float("inf")

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        bootstrap = {
            "endpoint_url": self.endpoint,
            "region_name": REGION,
            "aws_access_key_id": "bootstrap",
            "aws_secret_access_key": "bootstrap",
        }
        iam = boto3.client("iam", **bootstrap)
        iam.create_user(UserName="comptoir")
        iam.put_user_policy(
            UserName="comptoir",
            PolicyName="blobs",
            PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
            '"Action": "s3:*", "Resource": "*"}]}',
        )
        key = iam.create_access_key(UserName="comptoir")["AccessKey"]
        boto3.client("s3", **bootstrap).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        self.credentials = S3Credentials(key["AccessKeyId"], key["SecretAccessKey"], REGION)
        # From now on the server checks every request's SigV4 signature against IAM.
        self._previous_no_auth_count = moto_settings.INITIAL_NO_AUTH_ACTION_COUNT
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = 0

    def stop(self) -> None:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = self._previous_no_auth_count
        if self._server is not None:
            self._server.stop()

    def set_last_modified(self, object_key: str, when: datetime) -> None:
        """The object's LastModified, as if written `when` (UTC, naive like moto's own): the
        S3 counterpart of `os.utime` on a local file. The server runs in this process."""
        bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[BUCKET]
        bucket.keys[object_key].last_modified = when
