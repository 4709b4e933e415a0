# Internal NLB in front of the payments pods: reachable only from the
# service mesh, TLS terminated in the pods (mTLS end to end).

resource "aws_lb" "payments_internal" {
  name                             = "payments-internal"
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = ["subnet-0c1a2b3c4d5e6f701", "subnet-0c1a2b3c4d5e6f702", "subnet-0c1a2b3c4d5e6f703"]
  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = true

  access_logs {
    bucket  = aws_s3_bucket.lb_logs.id
    prefix  = "payments-internal"
    enabled = true
  }
}

resource "aws_lb_listener" "payments_tls" {
  load_balancer_arn = aws_lb.payments_internal.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/payments-pods/6d0ecf831eec9f09"
  }
}

resource "aws_s3_bucket" "lb_logs" {
  #checkov:skip=CKV_AWS_18:this is the access-log bucket; logging it to itself would loop
  #checkov:skip=CKV_AWS_144:load balancer logs are kept in-region, not business data
  #checkov:skip=CKV_AWS_145:ELB access logs support SSE-S3 only, not SSE-KMS
  #checkov:skip=CKV2_AWS_62:logs are read by the SIEM on a schedule, no event consumer
  bucket = "shop-payments-lb-logs-eu-west-1"
}

resource "aws_s3_bucket_versioning" "lb_logs" {
  bucket = aws_s3_bucket.lb_logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lb_logs" {
  bucket = aws_s3_bucket.lb_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "lb_logs" {
  bucket                  = aws_s3_bucket.lb_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "lb_logs" {
  bucket = aws_s3_bucket.lb_logs.id
  rule {
    id     = "expire-after-400-days"
    status = "Enabled"
    filter {}
    expiration {
      days = 400
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}
