terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
  backend "s3" {
    bucket         = "shop-terraform-state-eu"
    key            = "notifications/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { service = "notifications", tier = "3", owner = "team-customer" }
  }
}

provider "aws" {
  alias  = "offsite"
  region = "eu-central-1"
}

locals {
  kms_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountDelegation"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "notifications" {
  description             = "notifications: queues, preferences table and backups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy
}

resource "aws_kms_key" "notifications_offsite" {
  provider                = aws.offsite
  description             = "notifications: offsite backup vault"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy
}
