resource "aws_opensearch_domain" "products" {
  domain_name    = "shop-search"
  engine_version = "OpenSearch_2.15"

  cluster_config {
    instance_type          = "r6g.large.search"
    instance_count         = 2
    zone_awareness_enabled = false
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 100
    volume_type = "gp3"
  }

  # Created before the encryption baseline; enabling it needs a blue/green
  # domain migration that is still in the backlog (DISC-208).
  encrypt_at_rest {
    enabled = false
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }

  vpc_options {
    subnet_ids         = ["subnet-0d4e5f6a7b8c9d011"]
    security_group_ids = ["sg-0f1e2d3c4b5a69788"]
  }

  snapshot_options {
    automated_snapshot_start_hour = 3
  }
}

# Manual snapshot repository, replicated to eu-central-1 (offsite copy).
resource "aws_s3_bucket" "snapshots" {
  bucket = "shop-search-snapshots-eu-west-1"
}

resource "aws_s3_bucket_versioning" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_replication_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  role   = "arn:aws:iam::123456789012:role/search-s3-replication"

  rule {
    id     = "offsite-copy"
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::shop-search-snapshots-eu-central-1"
    }
  }

  depends_on = [aws_s3_bucket_versioning.snapshots]
}
