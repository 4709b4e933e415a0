resource "aws_s3_bucket" "product_images" {
  #checkov:skip=CKV2_AWS_62:images are served through the CDN, nothing consumes bucket events
  bucket = "shop-catalog-product-images-eu-west-1"
}

resource "aws_s3_bucket_logging" "product_images" {
  bucket        = aws_s3_bucket.product_images.id
  target_bucket = "shop-s3-access-logs-eu-west-1"
  target_prefix = "catalog-product-images/"
}

resource "aws_s3_bucket_lifecycle_configuration" "product_images" {
  bucket = aws_s3_bucket.product_images.id
  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_versioning" "product_images" {
  bucket = aws_s3_bucket.product_images.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "product_images" {
  bucket = aws_s3_bucket.product_images.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.catalog.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "product_images" {
  bucket                  = aws_s3_bucket.product_images.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_replication_configuration" "product_images" {
  bucket = aws_s3_bucket.product_images.id
  role   = "arn:aws:iam::123456789012:role/catalog-s3-replication"

  rule {
    id     = "offsite-copy"
    status = "Enabled"
    destination {
      bucket        = "arn:aws:s3:::shop-catalog-product-images-eu-central-1"
      storage_class = "STANDARD_IA"
      encryption_configuration {
        replica_kms_key_id = aws_kms_key.catalog_pilot_light.arn
      }
    }
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.product_images]
}
